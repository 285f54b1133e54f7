"""The sandbox's public address: ``from bot.sandbox import Sandbox``.

Scripts outside the suite rely on this path; the code lives in :mod:`bot.tools.sandbox`.
"""

from bot.tools.sandbox import ButtonNotFound, Sandbox, SimulatedUser

__all__ = ["ButtonNotFound", "Sandbox", "SimulatedUser"]
