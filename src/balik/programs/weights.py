"""The score components a programme weighs, in the order the matching engine scores them.

Plain Python, no Django: the pure matching engine (`balik.matching.model`) takes its components
from here, so a programme's weights and the engine's components cannot drift apart, and
`programs` names them without importing the layer above it.
"""

COMPONENTS: tuple[str, ...] = (
    "skill_fit",
    "reciprocal_fit",
    "availability",
    "goal_similarity",
    "preference",
    "department_diversity",
)
