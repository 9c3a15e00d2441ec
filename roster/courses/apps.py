from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "roster.courses"
    label = "courses"

    def ready(self):
        from roster.courses import resources  # noqa: F401  (registers them)
