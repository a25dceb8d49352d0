"""Uploads beyond memory go to a temporary file, and no further than BALIK_IMPORT_MAX_BYTES.

Django streams an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, however
large it is. This handler takes that place and stops writing at the upload limit: the rest is
read from the client (so the form's other fields still arrive) and counted, but not kept. The
view then sees an `OversizedUpload` of the file's true size and says how far over the limit it
is, instead of the request failing.
"""

import io

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class OversizedUpload(UploadedFile):
    """An upload over the limit: its name and full size, and none of its bytes."""

    def __init__(
        self,
        name: str | None,
        content_type: str | None,
        size: int,
        charset: str | None,
        content_type_extra: dict | None = None,
    ):
        super().__init__(io.BytesIO(), name, content_type, size, charset, content_type_extra)


class CappedTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    """TemporaryFileUploadHandler that writes at most BALIK_IMPORT_MAX_BYTES of each file."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.limit = settings.BALIK_IMPORT_MAX_BYTES
        self.oversized = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if self.oversized:
            return
        if start + len(raw_data) > self.limit:
            self.oversized = True
            self.upload_interrupted()  # closes and removes what was written so far
            return
        self.file.write(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile:
        if self.oversized:
            return OversizedUpload(
                self.file_name,
                self.content_type,
                file_size,
                self.charset,
                self.content_type_extra,
            )
        return super().file_complete(file_size)
