"""/admin/challenges: a teacher makes a challenge from their answer key, and edits it while it runs."""

from flask.views import MethodView
from flask_jwt_extended import current_user

from service.challenges.authoring import ChallengeDraft, create_challenge, edit_challenge
from service.http.challenge_schemas import (
    ChallengeCreateSchema,
    ChallengeEditSchema,
    ChallengeFilesSchema,
    ChallengeSchema,
)
from service.http.context import settings
from service.http.routes.admin import admin_blueprint, teachers_only
from service.http.schemas import ProblemSchema, TenantQuerySchema
from service.http.uploads import UploadParser, uploads_of
from service.store.models import Challenge
from service.store.tenancy import get_visible_by_id, own_or_named_tenant

blp = admin_blueprint("challenges", "Make and edit challenges, reveal private scores (teachers, operator)")
blp.ARGUMENTS_PARSER = UploadParser()


@blp.route("/challenges")
class Challenges(MethodView):
    decorators = [teachers_only]

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.arguments(ChallengeCreateSchema, location="files", error_status_code=400)
    @blp.response(201, ChallengeSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="the class has a challenge of that slug")
    @blp.alt_response(422, schema=ProblemSchema, description="the answer key cannot grade: problems listed")
    def post(self, query, form):
        """Make a challenge from an answer key (multipart); the operator adds `?tenant=`."""
        key = form.pop("answer_key")
        draft = ChallengeDraft(answer_key=uploads_of([key])[0], files=uploads_of(form.pop("files")), **form)
        tenant = own_or_named_tenant(current_user, query["tenant"])
        return create_challenge(tenant, draft, settings().max_answer_key_bytes)


@blp.route("/challenges/<int:challenge_id>")
class ChallengeSettings(MethodView):
    decorators = [teachers_only]

    @blp.arguments(ChallengeEditSchema, location="json_or_form", error_status_code=400)
    @blp.arguments(ChallengeFilesSchema, location="files", error_status_code=400)
    @blp.response(200, ChallengeSchema)
    def patch(self, changes, files, challenge_id):
        """Edit title, description, deadline, quota, files; open or close; reveal private scores."""
        challenge = get_visible_by_id(Challenge, challenge_id, current_user)
        return edit_challenge(challenge, changes, uploads_of(files["files"]))
