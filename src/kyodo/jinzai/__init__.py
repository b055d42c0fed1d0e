"""jinzai — the "human cloud" (人間のクラウド): Tokyo's shared digital specialists matched to municipal requests.

Plain Python, no Django. Read (`io`, `readers`) → `Instance` → match (`optimize.solve` with CP-SAT, or
`greedy.solve` as the baseline) → `Plan` (assignments, and a reason for each unmatched request) → check
(`check.violations`, independent of both matchers) → fairness figures (`fairness`) and joint projects (`aggregate`).
"""

from kyodo.jinzai.model import Instance, Mode, Plan, Request, Specialist, Unit, Urgency
from kyodo.jinzai.policy import Policy, load_policy

__all__ = ["Instance", "Mode", "Plan", "Policy", "Request", "Specialist", "Unit", "Urgency", "load_policy"]
