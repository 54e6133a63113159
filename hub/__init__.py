"""carehub: a federated account hub for long-term care."""

from pathlib import Path


def create_app(config=None):
    """Create the app: configuration, extensions, blueprints, adapters, checks, in that order."""
    from hub.config import flask_settings, load_config
    from hub.core.commit import CarehubFlask
    from hub.extensions import babel, csrf, db, limiter, migrate

    values = load_config(config)
    if not values['SECRET_KEY']:
        raise RuntimeError('CAREHUB_SECRET_KEY is not set: set it in the environment or in '
                           f"{values['INSTANCE_PATH']}/carehub.cfg (carehub demo writes one).")
    Path(values['INSTANCE_PATH']).mkdir(parents=True, exist_ok=True)
    app = CarehubFlask(__name__, instance_path=values['INSTANCE_PATH'])
    app.config.update(flask_settings(values))
    app.config['CAREHUB'] = values
    if values['PROXY_HOPS']:
        from werkzeug.middleware.proxy_fix import ProxyFix
        hops = values['PROXY_HOPS']
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)

    from hub.core.db import install_sqlite_pragmas
    install_sqlite_pragmas()
    from hub.core.audit import install_audit_writer
    from hub.core.memo import install_memo
    install_audit_writer()
    install_memo()
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / 'migrations'))
    from hub.web import install_template_translations, large_body, nameless_form_parts, select_locale, select_timezone
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    install_template_translations(app)
    app.before_request(large_body)  # before the CSRF check, which reads the body
    app.before_request(nameless_form_parts)
    csrf.init_app(app)
    from hub.core import ratelimit  # noqa: F401  registers the database storage of the rate limits
    limiter.init_app(app)
    from hub.core import background
    background.init_app(app)
    if values['REDIS_URL']:  # background work runs on Celery, with Redis as the broker
        from hub.tasks import make_celery
        make_celery(app)

    from hub import openapi, web
    from hub.account import access
    from hub.account import api as account_api
    from hub.account import views as account_views
    from hub.apps import api as app_api
    from hub.apps import fhir_api as app_fhir_api
    from hub.apps import oauth as app_oauth
    from hub.apps import oauth_api as app_oauth_api
    from hub.apps import views as app_views
    from hub.careprovider import oauth
    from hub.careprovider import provider_api as careprovider_api
    from hub.circle import api as circle_api
    from hub.circle import views as circle_views
    from hub.connect import api as connect_api
    from hub.connect import provider_api as connect_provider_api
    from hub.connect import views as connect_views
    from hub.core import dates, hyphens, units
    from hub.dossier import api as dossier_api
    from hub.dossier import views as dossier_views
    web.init_app(app)
    openapi.init_app(app)
    oauth.init_app(app)
    app_oauth.init_app(app)
    # app-wide hooks: who is logged in, what they must do first, the known-browser cookie; template helpers
    from hub.account.operations import SESSION_READ
    from hub.circle.access import session_with_memberships
    SESSION_READ['read'] = session_with_memberships  # the session with the account's care pages: one statement
    app.before_request(access.load_current_account)
    app.before_request(access.require_current_account)
    app.after_request(access.set_known_browser_cookie)
    app.context_processor(circle_views.template_helpers)
    app.context_processor(dossier_views.template_helpers)
    app.jinja_env.filters.update(dates.FILTERS)
    app.jinja_env.filters.update(units.FILTERS)
    app.jinja_env.filters.update(hyphens.FILTERS)
    app.add_template_filter(web.error_lines, 'error_lines')
    for module in (account_api, account_views, connect_api, connect_views, circle_api, circle_views,
                   dossier_api, dossier_views, careprovider_api, connect_provider_api, app_api, app_views,
                   app_oauth_api, app_fhir_api):
        openapi.register(app, module.bp)
    openapi.finish(app)

    if values['COUNT_STATEMENTS']:
        from hub.core.db import count_statements
        with app.app_context():
            count_statements(app, db.engine)

    from hub.careprovider.registry import load_adapters
    app.extensions['carehub.adapters'] = load_adapters()
    return app
