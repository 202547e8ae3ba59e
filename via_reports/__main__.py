from via_reports.cli import main

raise SystemExit(main())
