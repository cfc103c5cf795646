"""Profiles: named targets without secrets. Two built-in sandbox profiles always exist."""

from __future__ import annotations

from app.profiles.store import (
    BUILTIN_PROFILES,
    DEFAULT_TIMEOUT,
    Profile,
    ProfileError,
    ProfileStore,
    new_profile,
)

__all__ = [
    "BUILTIN_PROFILES",
    "DEFAULT_TIMEOUT",
    "Profile",
    "ProfileError",
    "ProfileStore",
    "new_profile",
]
