"""GET /admin/scores: every score of a class, as CSV or JSON, streamed."""

from flask import Response, stream_with_context
from flask.views import MethodView
from flask_jwt_extended import current_user

from service.http.result_schemas import ExportQuerySchema
from service.http.routes.admin import admin_blueprint, staff_only
from service.results.export import Export, export_scores
from service.store.tenancy import own_or_named_tenant

blp = admin_blueprint("scores", "Score export (teachers, operator)")


def streamed(export: Export) -> Response:
    return Response(
        stream_with_context(export.chunks),
        mimetype=export.mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{export.filename}"',
            "Cache-Control": "no-store",
        },
    )


DOWNLOADS = {"text/csv": {"schema": {"type": "string"}}, "application/json": {"schema": {"type": "array"}}}


@blp.route("/scores")
class Scores(MethodView):
    decorators = [staff_only]

    @blp.arguments(ExportQuerySchema, location="query", error_status_code=400)
    @blp.response(200)
    @blp.doc(responses={"200": {"description": "CSV (default) or JSON, as a download", "content": DOWNLOADS}})
    def get(self, query):
        """Every submission of your tenant (?best=true: one row per student), as CSV or ?format=json."""
        tenant = own_or_named_tenant(current_user, query["tenant"])
        return streamed(
            export_scores(tenant, query["format"], query["best"], query["challenge"], query["practice"])
        )
