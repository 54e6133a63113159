"""Errors that operations and views raise; hub.web turns them into JSON or a page."""


class AppError(Exception):
    """A problem the person can act on; nothing is changed when it is raised."""

    status = 400
    code = 'bad_request'

    def __init__(self, message, code=None, status=None, fields=None, extra=None):
        super().__init__(message)
        self.message = message
        self.code = code or self.code
        self.status = status or self.status
        self.fields = fields
        #: more members of the error object, e.g. the current state after a conflict
        self.extra = extra
        #: arguments for hub.core.audit.audit(), written after the rollback (a refused read, a wrong code)
        self.audit = None

    def audited(self, event, action='R', **kwargs):
        """Ask for an audit record of this refusal; it survives the rollback of the request."""
        self.audit = {'event': event, 'action': action, 'outcome': self.code, **kwargs}
        return self

    def to_dict(self):
        """Return the JSON error body of the HTTP contract."""
        error = {'code': self.code, 'message': self.message}
        if self.fields:
            error['fields'] = self.fields
        if self.extra:
            error.update(self.extra)
        return {'error': error}


class InvalidInput(AppError):
    status = 422
    code = 'invalid_input'


class Unauthenticated(AppError):
    status = 401
    code = 'unauthenticated'


class Forbidden(AppError):
    status = 403
    code = 'forbidden'


class NotFound(AppError):
    status = 404
    code = 'not_found'


class Conflict(AppError):
    status = 409
    code = 'conflict'


class TooManyRequests(AppError):
    status = 429
    code = 'too_many_requests'
