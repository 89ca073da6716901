"""Languages, static files, media and upload limits."""

from pathlib import Path

from commerce.settings.env import BASE_DIR, DEBUG, PRODUCTION, env_bool, env_int, env_str

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded import files (price lists, contract prices) are never public: they live
# outside MEDIA_ROOT and are served only through a view that checks the staff
# permission; they are deleted after IMPORT_FILE_RETENTION_DAYS.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
IMPORT_FILE_RETENTION_DAYS = env_int("IMPORT_FILE_RETENTION_DAYS", 30)

# Upload limits, checked on the request's size before the body is read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES = env_int(
    "IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES", 100 * 1024 * 1024
)
IMPORT_MAX_XLSX_ENTRIES = env_int("IMPORT_MAX_XLSX_ENTRIES", 10_000)
QUICK_ORDER_MAX_UPLOAD_BYTES = env_int("QUICK_ORDER_MAX_UPLOAD_BYTES", 512 * 1024)
# Any other view (an image in the dashboard, say).
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

# Media files are served by Django itself only in development; production puts
# a web server or object storage in front (see README).
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=not PRODUCTION)
# Development and tests serve static files straight from the apps, no collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
