"""Registers the tfconform plugin for a bare `pytest` in this repository, unless the installed
package already did (its pytest11 entry point): registering one module twice is an error."""
from importlib.metadata import entry_points

pytest_plugins = [] if any(ep.value == "harness.plugin" for ep in entry_points(group="pytest11")) \
    else ["harness.plugin"]
