# nbgrader and its JupyterLab extensions read only this file name; the configuration lives in grader_config.py.
c = get_config()  # noqa: F821
load_subconfig("grader_config.py")  # noqa: F821
