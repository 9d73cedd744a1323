"""`tinymorph serve`: an OpenAI-compatible completion server with per-request steering.

- `app.py`: the Starlette app (`create_app(engine, settings)`): endpoints, SSE, errors;
- `engine.py`: one LocalBackend on one worker thread behind a bounded queue;
- `schemas.py`: request validation; `chat.py`: chat templates and the plain fallback;
- `security.py`: bind checks, API keys, Host/Origin guards (`ServerSettings`);
- `errors.py`: OpenAI's error format; `background.py`: uvicorn in a thread (tests, benches).

Nothing here is imported by the editor itself: Starlette and uvicorn load only for `serve`.
"""
