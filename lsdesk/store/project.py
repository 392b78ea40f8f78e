"""A project file opened for the app: the project-file base and the domain stores it is composed of."""

from lsdesk.store.browse import TaskBrowser
from lsdesk.store.bulk import TaskBulk
from lsdesk.store.completions import CompletionStore
from lsdesk.store.exports import ExportStore
from lsdesk.store.folders import FolderStore
from lsdesk.store.ml import ModelStore
from lsdesk.store.paging import TaskPages
from lsdesk.store.project_file import ProjectFile
from lsdesk.store.review import ReviewStore
from lsdesk.store.server_link import ServerLinkStore
from lsdesk.store.tasks import TaskStore
from lsdesk.store.views import ViewStore


class ProjectStore(TaskStore, TaskPages, TaskBrowser, TaskBulk, ViewStore, CompletionStore, ModelStore, FolderStore,
                   ReviewStore, ExportStore, ServerLinkStore, ProjectFile):
    """Every SQL statement the API needs, over one project file. Thread-safe; close() when done."""

    def __init__(self, path, create=False):
        self._page_marks = {}
        super().__init__(path, create)

    def _on_open(self):
        self._open_media()
