"""Sign-in: POST /login, /refresh, /logout and GET /me."""

from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt, jwt_required
from flask_limiter.util import get_remote_address

from service.accounts.sign_in import change_own_password, refresh_tokens, sign_in, sign_out, switch_class
from service.http.blueprint import Blueprint
from service.http.class_schemas import PasswordChangeSchema, SwitchSchema
from service.http.rate_limits import limiter, login_throttle, setting
from service.http.schemas import LoginSchema, ProblemSchema, TokensSchema, UserSchema

blp = Blueprint("auth", __name__, description="Sign in with a username and password; JWT bearer tokens")
# A form post and a JSON post both sign in; the OpenAPI document shows the JSON one.
blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {
    **blp.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
    "json_or_form": "application/json",
}


@blp.route("/login")
class Login(MethodView):
    decorators = [limiter.limit(setting("login_rate_limit"), key_func=get_remote_address)]

    @blp.arguments(LoginSchema, location="json_or_form", error_status_code=400)
    @blp.response(200, TokensSchema)
    @blp.alt_response(401, schema=ProblemSchema, description="wrong username or password")
    @blp.alt_response(429, schema=ProblemSchema, description="too many attempts: see Retry-After")
    def post(self, credentials):
        """Exchange a username and password for an access token and a refresh token."""
        return sign_in(
            credentials["username"],
            credentials["password"],
            get_remote_address(),
            login_throttle(),
            credentials["class_slug"],
        )


@blp.route("/refresh")
class Refresh(MethodView):
    @jwt_required(refresh=True)
    @blp.response(200, TokensSchema)
    @blp.alt_response(
        401, schema=ProblemSchema, description="the refresh token was used before: its sign-in ends"
    )
    def post(self):
        """A new access token and a new refresh token, given a refresh token in the Authorization
        header; the one sent is revoked (send it again and every token of the sign-in stops working)."""
        return refresh_tokens(current_user, get_jwt())


@blp.route("/switch")
class Switch(MethodView):
    @jwt_required(verify_type=False)
    @blp.arguments(SwitchSchema, error_status_code=400)
    @blp.response(200, TokensSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="you are not in that class")
    def post(self, switch):
        """Tokens acting for another of your classes, in the same sign-in: send the refresh token to
        trade it (spent, as by /refresh) for a new pair; an access token gets an access token that
        expires when the one sent does."""
        return switch_class(current_user, get_jwt(), switch["class_slug"])


@blp.route("/me/password")
class OwnPassword(MethodView):
    decorators = [limiter.limit(setting("login_rate_limit"), key_func=get_remote_address)]

    @jwt_required()
    @blp.arguments(PasswordChangeSchema, error_status_code=400)
    @blp.response(200, TokensSchema)
    @blp.alt_response(403, schema=ProblemSchema, description="the current password is wrong")
    def post(self, change):
        """Choose your own password, giving the current one: every earlier token of yours ends, in
        every class, and the answer is a new sign-in for this class."""
        return change_own_password(
            current_user,
            change["current_password"],
            change["new_password"],
            get_remote_address(),
            login_throttle(),
        )


@blp.route("/logout")
class Logout(MethodView):
    @jwt_required(verify_type=False)
    @blp.response(204)
    def post(self):
        """Revoke the token sent; a refresh token ends its whole sign-in (its access tokens too)."""
        sign_out(get_jwt())


@blp.route("/me")
class Me(MethodView):
    @jwt_required()
    @blp.response(200, UserSchema)
    def get(self):
        """The signed-in user: name, role and tenant."""
        return current_user
