"""Serves the JupyterLab 3.6 front end that build.mjs built, from Debian's jupyter_server 1.23 through
jupyterlab_server's LabServerApp (settings, themes, translations, workspaces and the /lab page), with the usual
Jupyter REST and websocket APIs (contents, sessions, kernels) beside it.

    JPOOL_LAB_BUILD=DIR/build [JPOOL_LAB_STATE=DIR] /usr/bin/python3 lab_app.py --no-browser --port=N ...

JPOOL_LAB_STATE holds the user settings and saved workspaces (a test gives each run a scratch one); command-line
options are the jupyter_server ones (--ServerApp.token, --ServerApp.root_dir, ...).
"""
import os

from jupyterlab_server import LabServerApp

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.environ.get("JPOOL_LAB_BUILD", os.path.join(HERE, "build"))
STATE = os.environ.get("JPOOL_LAB_STATE", os.path.join(BUILD, "state"))


class JpoolLab(LabServerApp):
    name = __name__  # the extension's name: jupyter_server finds its extension points in this module
    app_name = "JupyterLab 3.6 (jpool test)"
    extension_url = app_url = default_url = "/lab"
    load_other_extensions = False
    templates_dir = os.path.join(HERE, "templates")
    static_dir = os.path.join(BUILD, "static")
    themes_dir = os.path.join(BUILD, "themes")
    schemas_dir = os.path.join(BUILD, "schemas")
    app_settings_dir = os.path.join(BUILD, "app-settings")
    user_settings_dir = os.path.join(STATE, "user-settings")
    workspaces_dir = os.path.join(STATE, "workspaces")


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": JpoolLab}]


if __name__ == "__main__":
    JpoolLab.launch_instance()
