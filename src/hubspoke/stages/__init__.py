"""The workflow's stages: ``hubspoke.stages.<rule>`` is what the rule's job does (the three
``plot_*`` rules share :mod:`hubspoke.stages.figures`), run by :mod:`hubspoke.stages.runner`
from the thin ``workflow/scripts/<rule>.py``."""
