"""The learner's JupyterLab, for the Python environment that runs this script.

Binder's postBuild and `make setup` run it once (running it again changes nothing):

- nbgrader's instructor tools are off: the Formgrader, Create Assignment and Course List plugins,
  and the Formgrader's and Course List's server side. Validate and the Assignment List stay.
  Instructors turn them back on with `make lab-instructor` (lab-config/instructor/).
- JupyterLab does not ask "get notified about official Jupyter news?" (overrides.json).

It writes the files that these commands write, without their start-up cost:

    jupyter labextension disable --level=sys_prefix @jupyter/nbgrader:formgrader ...
    jupyter server extension disable --sys-prefix nbgrader.server_extensions.formgrader ...

plus `<sys.prefix>/share/jupyter/lab/settings/overrides.json`, JupyterLab's default settings for
every user of the environment. (JupyterLab shows plugins disabled at this level as locked in its
Plugin Manager; `make lab-instructor` is the way to have them.)
"""
import json
import sys
from pathlib import Path

LAB_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:create-assignment",
               "@jupyter/nbgrader:course-list"]
SERVER_EXTENSIONS = ["nbgrader.server_extensions.formgrader", "nbgrader.server_extensions.course_list"]
OVERRIDES = Path(__file__).with_name("overrides.json")


def _update(path: Path, change) -> None:
    """Read a JSON file (or start from {}), change it, and write it back."""
    data = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}
    change(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n")


def apply(prefix: Path) -> None:
    config = prefix / "etc" / "jupyter"

    def disable_plugins(page: dict) -> None:
        page.setdefault("disabledExtensions", {}).update(dict.fromkeys(LAB_PLUGINS, True))
        for plugin in LAB_PLUGINS:
            page.get("lockedExtensions", {}).pop(plugin, None)

    _update(config / "labconfig" / "page_config.json", disable_plugins)
    for extension in SERVER_EXTENSIONS:
        # The file name `jupyter server extension disable --sys-prefix` uses; it sorts after
        # nbgrader.json (which turns them all on), so it wins.
        _update(config / "jupyter_server_config.d" / f"{extension}.json",
                lambda c, e=extension: c.setdefault("ServerApp", {}).setdefault("jpserver_extensions", {})
                .update({e: False}))

    ours = json.loads(OVERRIDES.read_text())

    def add_overrides(settings: dict) -> None:
        for plugin, values in ours.items():
            settings.setdefault(plugin, {}).update(values)

    _update(prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json", add_overrides)


if __name__ == "__main__":
    apply(Path(sys.prefix))
    print(f"The learner's JupyterLab is set up in {sys.prefix} (instructor tools off, no news prompt).")
