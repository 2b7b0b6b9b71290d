"""GET /health: is the service able to grade, and is Redis reachable?"""

from flask.views import MethodView

from service.grading.health import service_health
from service.http.blueprint import Blueprint
from service.http.rate_limits import limiter
from service.http.schemas import HealthSchema

blp = Blueprint("health", __name__, description="Service status for operators and probes")


@blp.route("/health")
class Health(MethodView):
    decorators = [limiter.exempt]

    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="the service cannot grade")
    def get(self):
        """`ok`, `degraded` (Redis unreachable: still answering) or `unavailable` (cannot grade)."""
        report = service_health()
        return report, 503 if report["status"] == "unavailable" else 200
