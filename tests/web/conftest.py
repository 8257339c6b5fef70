"""The agents' desk fixtures (defined with the page tests) for every test of the web layer."""
from tests.web.test_agents_pages import desk, desk_client, logged_in  # noqa: F401 - pytest fixtures
