"""Settings for the benchmark server: the production settings, with the benchmark URLconf.

Selected with DJANGO_SETTINGS_MODULE=bench.settings by bench/run.py only; the production
URLconf itself gains no benchmark routes.
"""

from onewindow.config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.benchsite"
