"""What one report (or one notebook run) covers: waves, language, thresholds."""

from __future__ import annotations

from dataclasses import dataclass

from via_reports.exceptions import ParameterError
from via_reports.options import DEFAULT_OPTIONS, LANGUAGES, check_options


@dataclass(frozen=True)
class Scope:
    #: The waves the report covers, in order, ending with the last wave.
    waves: tuple[str, ...]
    language: str = LANGUAGES[0]
    #: Instruments with fewer users than this get no satisfaction figure of their own.
    min_n: int = DEFAULT_OPTIONS["min_n"]
    #: Significance threshold for subgroup comparisons.
    alpha: float = DEFAULT_OPTIONS["alpha"]
    #: "interim" (no effects chapter) or "final".
    kind: str = "interim"
    #: A public edition's threshold k: no count from 1 to k−1 is shown (docs/disclosure.md);
    #: None for the internal edition.
    min_cell: int | None = None

    def __post_init__(self) -> None:
        check_options({"language": self.language, "kind": self.kind, "min_n": self.min_n, "alpha": self.alpha,
                       **({"min_cell": self.min_cell} if self.public else {})})
        if not self.waves:
            raise ParameterError("a report covers at least one wave")

    @property
    def public(self) -> bool:
        """True for a public edition (statistical disclosure control, threshold :attr:`min_cell`)."""
        return self.min_cell is not None

    @property
    def last_wave(self) -> str:
        return self.waves[-1]

    @property
    def first_wave(self) -> str:
        return self.waves[0]

    @classmethod
    def for_wave(cls, dataset, wave: str | None = None, *, language: str | None = None,
                 min_n: int = DEFAULT_OPTIONS["min_n"], alpha: float = DEFAULT_OPTIONS["alpha"],
                 kind: str | None = None, min_cell: int | None = None) -> "Scope":
        """The scope of a report whose last wave is ``wave``.

        ``wave`` must be declared in study.yaml and answered by someone (None:
        the last wave anybody answered); ``language`` defaults to the study's;
        ``min_cell`` makes it a public edition with that threshold;
        ``kind`` defaults to "final" when ``wave`` is the study's last declared
        wave, it is not the first, and a control group is present.
        """
        declared = dataset.study.wave_codes
        answered = set(dataset.responses["wave"].dropna())
        if wave is None:
            wave = [w for w in declared if w in answered][-1]
        if wave not in declared:
            raise ParameterError(
                f"wave {wave!r} is not in this study; study.yaml declares {', '.join(declared)}")
        if wave not in answered:
            raise ParameterError(f"wave {wave!r} is declared in study.yaml but nobody answered it yet")
        waves = tuple(w for w in dataset.study.waves_up_to(wave))
        if kind is None:
            has_control = bool((dataset.participants["group"] == "control").any())
            kind = "final" if (wave == declared[-1] and len(waves) > 1 and has_control) else "interim"
        return cls(waves=waves, language=language or dataset.study.language, min_n=min_n, alpha=alpha, kind=kind,
                   min_cell=min_cell)
