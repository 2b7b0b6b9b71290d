"""Reading a multipart form whole: its file parts and its text fields, as one request body."""

from werkzeug.datastructures import CombinedMultiDict

from service.challenges.authoring import Upload
from service.http.blueprint import RequestParser


class UploadParser(RequestParser):
    """Reads the "files" location as the whole multipart form, file parts and text fields alike.

    flask-smorest documents one request body per operation: with the file and the `challenge`
    field in two schemas (locations "files" and "form"), the OpenAPI document lost the file.
    """

    def load_files(self, req, schema):
        return self._makeproxy(CombinedMultiDict([req.files, req.form]), schema)


def uploads_of(files) -> tuple[Upload, ...]:
    """The uploaded files (werkzeug FileStorage) as names and bytes."""
    return tuple(Upload(each.filename or "", each.read()) for each in files)
