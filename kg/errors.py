"""The one error hierarchy: every error the user can act on derives from QcollabError.

The families say what went wrong, not how a front end answers it; `api/errors.py` maps each
family to an HTTP status in one place, and the command line maps them to exit statuses.
Anything that is not a QcollabError is a fault and keeps its traceback.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.quality.shacl import ValidationOutcome


class QcollabError(Exception):
    """Base of every error reported to the user in one line."""


# -- the request or the input is wrong -------------------------------------------------------------


class InputError(QcollabError):
    """A request or document that cannot be acted on as it stands (HTTP 400)."""


class RdfSyntaxError(InputError):
    """A document (record, query, update) that does not parse, with its position."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        self.message = message
        self.line = line
        self.column = column
        where = f"line {line}, column {column}: " if line is not None else ""
        super().__init__(f"{where}{message}")


class FileSyntaxError(RdfSyntaxError):
    """A file that does not parse, named as editors and compilers do: `file:line:column: message`."""

    def __init__(self, file: str, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message, line, column)
        self.file = file

    def __str__(self) -> str:
        where = f":{self.line}:{self.column}" if self.line is not None else ""
        return f"{self.file}{where}: {self.message}"


class UnsafeInputError(InputError):
    """A document refused unread, or whose reading was stopped: entity declarations, or past a limit."""

    def __init__(self, message: str, limit: float | None = None) -> None:
        self.limit = limit
        super().__init__(message)


class UnsupportedFormatError(InputError):
    """A serialization we cannot read or write."""


class ServiceNotAllowedError(InputError):
    """A SERVICE clause names an endpoint that is not on the allow-list."""


class QueryTooDeepError(InputError):
    """A query or update whose brackets nest deeper than the limit (QCOLLAB_MAX_QUERY_NESTING)."""

    def __init__(self, limit: int, line: int, column: int) -> None:
        self.limit, self.line, self.column = limit, line, column
        super().__init__(
            f"line {line}, column {column}: the brackets of this request nest more than {limit} levels deep, "
            f"the nesting limit of this service (QCOLLAB_MAX_QUERY_NESTING)"
        )


class UpdateFailedError(InputError):
    """A well-formed update that cannot be carried out (e.g. DROP of a graph that does not exist)."""


class UpdateDatasetConflictError(InputError):
    """An update request that gives its dataset both as protocol parameters and in its text (HTTP 400)."""


class DocumentError(InputError):
    """A source document that cannot be read as text: names the file and says what is wrong."""

    def __init__(self, name: str, problem: str) -> None:
        self.name = name
        self.problem = problem
        super().__init__(f"{name}: {problem}")

    def __reduce__(self) -> tuple[type[DocumentError], tuple[str, str]]:
        return type(self), (self.name, self.problem)


class DocumentExistsError(DocumentError):
    """A different document of the same name is already in the seeds folder."""


class ReconcileQueryError(InputError, ValueError):
    """A reconciliation query that does not follow the protocol."""


class ReconcileLimitError(ReconcileQueryError):
    """A reconciliation batch with too many queries, or a query past a limit; `limit` names it."""

    def __init__(self, message: str, limit: int, *, batch: bool = False) -> None:
        self.limit = limit
        self.batch = batch  # the batch is too large (as opposed to one of its queries)
        super().__init__(message)


# -- the data does not conform ---------------------------------------------------------------------


class NonConformingError(QcollabError):
    """Data that does not conform to the shapes; carries the report text."""

    def __init__(self, report_text: str) -> None:
        self.report_text = report_text
        super().__init__("the data does not conform to the SHACL shapes:\n" + report_text)


class RejectedWriteError(QcollabError):
    """A write whose result would not conform to the shapes; nothing was written (HTTP 422)."""

    def __init__(self, outcome: ValidationOutcome) -> None:
        self.outcome = outcome
        super().__init__(
            "the change was refused: the data would not conform to the SHACL shapes\n" + outcome.report_text
        )


class PolicyRefusedError(QcollabError):
    """What the service's policy forbids: a write to a graph it maintains itself, wiping the store, LOAD
    (it fetches no URL for a client); HTTP 403."""


# -- the service cannot answer now -----------------------------------------------------------------


class UnavailableError(QcollabError):
    """The request is fine but cannot be answered now (HTTP 503)."""


class QueryTimeoutError(UnavailableError):
    """The query did not finish within the configured time limit."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"query exceeded the {seconds:g} s time limit")


class EngineBusyError(QueryTimeoutError):
    """Every query worker stayed busy until the deadline of a query waiting for one."""

    def __init__(self, seconds: float, slots: int) -> None:
        QcollabError.__init__(
            self,
            f"the server is busy: all {slots} query slots stayed taken for {seconds:g} s; try again later",
        )
        self.seconds = seconds


class ClientBusyError(UnavailableError):
    """One client already has as many queries waiting for a query worker as it may (HTTP 429)."""

    def __init__(self, queued: int) -> None:
        self.queued = queued
        super().__init__(
            f"too many queries waiting: this client already has {queued} queries waiting for a query "
            "worker; send more once some are answered"
        )


class QueryCancelledError(UnavailableError):
    """The query was stopped because nobody waits for its results any more."""


class QueryWorkerStoppedError(UnavailableError):
    """The worker process evaluating a query ended in the middle of it (a crash); a new one replaces it."""


class ViewNotReadyError(UnavailableError):
    """A view of the store (the name index, the dataset statistics) is still being built."""


class StoreInUseError(UnavailableError):
    """The on-disk store is locked by another process: one writer at a time."""


class StoreLockedError(StoreInUseError):
    """A command holds the remote store's write lease (kg.store.remote_lease): one writing command at once."""

    def __init__(self, holder: str) -> None:
        self.holder = holder
        super().__init__(
            f"the remote store is being written by {holder}: wait until it ends (a lease whose command "
            "died expires by itself)"
        )


# -- a component we depend on failed ---------------------------------------------------------------


class DependencyError(QcollabError):
    """A component or source the answer depends on failed: no verdict on the request (HTTP 5xx)."""


class ValidationEngineError(DependencyError):
    """The SHACL engine could not validate (as opposed to: the data does not conform)."""


class LinkingSourceError(DependencyError):
    """A link target could not be queried (endpoint down, bad answer, missing snapshot)."""


class StoreCheckError(DependencyError):
    """A store built aside failed its check, so it was not swapped in: the live store is unchanged."""


class RemoteStoreError(DependencyError):
    """The remote SPARQL store (QCOLLAB_STORE=sparql) answered an error or an answer we cannot read."""


class RemoteStoreUnreachableError(RemoteStoreError):
    """The remote SPARQL store could not be reached (connection refused, DNS, reset): it may be down."""


class RemoteStoreTimeoutError(RemoteStoreError):
    """No answer from the remote SPARQL store within QCOLLAB_SPARQL_TIMEOUT_SECONDS (504 for the service)."""

    def __init__(self, seconds: float, what: str) -> None:
        self.seconds = seconds
        super().__init__(f"the remote store did not answer {what} within {seconds:g} s")


class RemoteStoreRefusedError(RemoteStoreError):
    """The remote SPARQL store refused a request (HTTP 4xx): a text its dialect rejects, a refused write."""


class RemoteStoreAuthError(RemoteStoreError):
    """The remote SPARQL store refused our credentials (HTTP 401 or 403): check QCOLLAB_SPARQL_AUTH."""


class StoreOperationUnsupportedError(DependencyError, NotImplementedError):
    """The configured store back-end cannot do this operation (e.g. a checkpoint of a remote store)."""


# -- faults ----------------------------------------------------------------------------------------


class WorkerDiedError(RuntimeError):
    """A query worker process ended unexpectedly: a fault of the service, not of the request."""
