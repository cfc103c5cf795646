"""Scenarios: a cart's journey as steps (send, wait, Bronto cart actions), run in order."""

from app.scenarios.model import Scenario, ScenarioError, Step, load_scenario
from app.scenarios.runner import ScenarioRunner, StepEvent

__all__ = ["Scenario", "ScenarioError", "ScenarioRunner", "Step", "StepEvent", "load_scenario"]
