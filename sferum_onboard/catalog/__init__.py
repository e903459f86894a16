"""The catalog: roles, steps, checklists, school steps, road map and site settings.

`load_catalog(root)` is the one way in; it returns an immutable `Catalog` or
raises `ContentError` with every located problem.
"""

from sferum_onboard.catalog.load import load_catalog, validate_project
from sferum_onboard.catalog.model import (
    Catalog,
    Checklist,
    GuideRef,
    OrgStep,
    Review,
    Role,
    RoadMap,
    SiteSettings,
    Step,
    Target,
    TargetAudience,
)

__all__ = [
    "Catalog", "Checklist", "GuideRef", "OrgStep", "Review", "Role", "RoadMap",
    "SiteSettings", "Step", "Target", "TargetAudience", "load_catalog", "validate_project",
]
