"""The chapter notebooks' kernel: `via-reports kernel install` for pip users, a build that
needs no registered kernel, and no kernel log on the researcher's terminal (issue 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from via_reports.chapters.kernel import KERNEL_NAME, QUIET, ChapterKernelManager

#: What ipykernel logs at every start unless told to keep quiet.
TCP_WARNING = "running over TCP without encryption"

ONE_CELL = textwrap.dedent("""
    import sys
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from nbclient import NotebookClient
    from via_reports.chapters.kernel import ChapterKernelManager

    def no_kernels(self, *args, **kwargs):
        raise NoSuchKernel(args[0] if args else "any")

    # as on a machine where nobody ran `via-reports kernel install`
    KernelSpecManager.find_kernel_specs = lambda self: {}
    KernelSpecManager.get_kernel_spec = no_kernels
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import sys; print(sys.executable)")])
    if sys.argv[1] == "chapter":
        NotebookClient(notebook, kernel_name="via-reports", kernel_manager_class=ChapterKernelManager).execute()
    else:  # a kernel started the way Jupyter starts any registered one
        from jupyter_client.kernelspec import KernelSpec
        from jupyter_client.manager import AsyncKernelManager

        class Plain(AsyncKernelManager):
            @property
            def kernel_spec(self):
                return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                                  display_name="plain", language="python", name="plain")

        NotebookClient(notebook, kernel_name="plain", kernel_manager_class=Plain).execute()
    print("KERNEL RAN", notebook.cells[0].outputs[0]["text"].strip())
""")


def run_one_cell(how: str, tmp_path: Path) -> subprocess.CompletedProcess:
    script = tmp_path / "one_cell.py"
    script.write_text(ONE_CELL, encoding="utf-8")
    return subprocess.run([sys.executable, str(script), how], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)


@pytest.mark.slow
def test_chapters_run_in_this_interpreter_without_a_registered_kernel_and_quietly(tmp_path):
    result = run_one_cell("chapter", tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"KERNEL RAN {sys.executable}" in result.stdout
    assert TCP_WARNING not in result.stderr and "KeyboardInterrupt" not in result.stderr
    # the same kernel started without QUIET does print it: the check above can fail
    loud = run_one_cell("plain", tmp_path)
    assert loud.returncode == 0 and TCP_WARNING in loud.stderr


def test_the_chapter_kernel_is_always_this_interpreters():
    spec = ChapterKernelManager(kernel_name=KERNEL_NAME).kernel_spec
    assert spec.argv[0] == sys.executable and spec.name == KERNEL_NAME
    assert all(argument in spec.argv for argument in QUIET)


@pytest.mark.slow
def test_kernel_install_registers_the_kernel_for_the_user(tmp_path):
    """As a pip user runs it: the kernel lands in Jupyter's user folder and runs this Python, quietly."""
    env = {**os.environ, "JUPYTER_DATA_DIR": str(tmp_path / "jupyter"), "JUPYTER_PLATFORM_DIRS": "0",
           "JUPYTER_PREFER_ENV_PATH": "0"}  # the user's folder first, as outside a virtual environment
    script = Path(sys.executable).parent / "via-reports"
    result = subprocess.run([str(script), "kernel", "install"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    spec = json.loads((tmp_path / "jupyter" / "kernels" / KERNEL_NAME / "kernel.json").read_text())
    assert spec["argv"][0] == sys.executable and spec["display_name"] == "Python (via-reports)"
    assert all(argument in spec["argv"] for argument in QUIET)
    listed = subprocess.run([str(Path(sys.executable).parent / "jupyter"), "kernelspec", "list", "--json"],
                            capture_output=True, text=True, env=env, check=True)
    found = json.loads(listed.stdout)["kernelspecs"][KERNEL_NAME]["resource_dir"]
    assert Path(found) == tmp_path / "jupyter" / "kernels" / KERNEL_NAME
    # a second install replaces the first
    assert subprocess.run([str(script), "kernel", "install"], capture_output=True, env=env).returncode == 0
