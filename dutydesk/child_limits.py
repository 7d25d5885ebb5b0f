"""The one age range for children (and for a young parent), the largest group placed together, the usual limit and the furthest distance a search asks for.

Every command, form and service checks against these (issue 11.5: ages were
0-17 in one command and 0-21 in another). No imports: the screens' validators
load it on the first frame's path.
"""

from __future__ import annotations

MAX_AGE = 17  # children
MAX_PARENT_AGE = 21  # the parent on a parent-and-child request may be a young adult up to this age
USUAL_LIMIT = 3  # children in one household under its terms of approval, unless all are siblings
MAX_CHILDREN = 8  # the largest sibling group placed together
MAX_DISTANCE_KM = 500  # the furthest "within" a request or a search may ask for
