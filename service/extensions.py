"""The extension objects, made once and bound to each app by `create_app`."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .problems import ProblemApi

api = ProblemApi()
# Per client address by default; routes that know the signed-in user key on it instead.
limiter = Limiter(key_func=get_remote_address)
