"""/challenges: the challenges of your class, their files and a sample submission."""

from flask import Response
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required

from service.challenges.files import file_of, sample_submission_of
from service.challenges.lookup import challenges_visible_to, visible_challenge
from service.extensions import db
from service.http.blueprint import Blueprint
from service.http.challenge_schemas import ChallengeSchema

blp = Blueprint("challenges", __name__, description="Challenges of your class")


@blp.route("/challenges")
class Challenges(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, ChallengeSchema(many=True))
    def get(self):
        """The challenges of your tenant."""
        return challenges_visible_to(current_user)


@blp.route("/challenges/<int:challenge_id>")
@blp.route("/challenges/<string:slug>")
class ChallengeById(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, ChallengeSchema)
    def get(self, challenge_id=None, slug=None):
        """One challenge of your tenant, by id or slug."""
        return visible_challenge(current_user, challenge_id, slug)


# The rule applied first (the lower) keeps the plain endpoint name that pages build links with.
@blp.route("/challenges/<string:slug>/files/<string:name>")
@blp.route("/challenges/<int:challenge_id>/files/<string:name>")
class ChallengeFileDownload(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, content_type="application/octet-stream")
    def get(self, name, challenge_id=None, slug=None):
        """Download one of the challenge's files (the challenge by id or slug)."""
        found = file_of(visible_challenge(current_user, challenge_id, slug), name)
        return _attachment(found.content, found.name, "application/octet-stream")


@blp.route("/challenges/<string:slug>/sample-submission.csv")
@blp.route("/challenges/<int:challenge_id>/sample-submission.csv")
class SampleSubmission(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, content_type="text/csv")
    def get(self, challenge_id=None, slug=None):
        """A valid submission for the challenge (by id or slug): every Id of its key, a placeholder prediction."""
        challenge = visible_challenge(current_user, challenge_id, slug)
        sample = sample_submission_of(challenge)
        db.session.commit()  # a sample made just now is stored, never made again
        return _attachment(sample, f"{challenge.slug}-sample-submission.csv", "text/csv")


def _attachment(content: bytes, name: str, mimetype: str) -> Response:
    return Response(
        content, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
