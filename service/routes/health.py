"""GET /health: is the service able to grade?"""

from flask.views import MethodView
from flask_smorest import Blueprint

from ..extensions import limiter
from ..grading import default_answer_key
from ..schemas import HealthSchema
from ..scoring import AnswerKeyError

blp = Blueprint("health", __name__, description="Service status for operators and probes")


@blp.route("/health")
class Health(MethodView):
    decorators = [limiter.exempt]

    @blp.response(200, HealthSchema)
    @blp.alt_response(503, schema=HealthSchema, description="the service cannot grade")
    def get(self):
        """Answer whether the default answer key loads."""
        try:
            key = default_answer_key()
        except AnswerKeyError as exc:
            return {"status": "unavailable", "answer_key": {"loaded": False, "error": str(exc)}}, 503
        return {"status": "ok", "answer_key": {"loaded": True, "rows": len(key)}}
