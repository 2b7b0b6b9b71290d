"""The extension objects, made once and bound to each app by `create_app`."""

from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from .problems import ProblemApi


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
jwt = JWTManager()
api = ProblemApi()
# Per client address by default; routes that know the signed-in user key on it instead.
limiter = Limiter(key_func=get_remote_address)
