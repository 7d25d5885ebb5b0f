"""The one age range for children, the largest group placed together and the furthest distance a search asks for.

Every command, form and service checks against these (issue 11.5: ages were
0-17 in one command and 0-21 in another). No imports: the screens' validators
load it on the first frame's path.
"""

from __future__ import annotations

MAX_AGE = 17  # children; a parent in a parent-and-child request is a child too
MAX_CHILDREN = 8  # the largest sibling group placed together
MAX_DISTANCE_KM = 500  # the furthest "within" a request or a search may ask for
