"""The Members Portal at /portal/ and its JSON API at /api/public/."""

from django.urls import include, path, re_path

from roster.portal import api, views

app_name = "portal"

pages = [
    path("", views.catalogue_view, name="catalogue"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("signup/", views.signup_view, name="signup"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path(
        "password-reset/sent/",
        views.password_reset_done,
        name="password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("courses/<int:pk>/", views.course_view, name="course"),
    path("courses/<int:pk>/signup/", views.signup_course_view, name="signup_course"),
    path(
        "courses/<int:pk>/lessons/<uuid:lesson_id>/",
        views.lesson_view,
        name="lesson",
    ),
    path(
        "courses/<int:pk>/lessons/<uuid:lesson_id>/complete/",
        views.complete_view,
        name="complete",
    ),
]

courses = r"^api/public/courses"
api_urls = [
    re_path(rf"{courses}/?$", api.courses),
    re_path(rf"{courses}/(?P<pk>[0-9]{{1,18}})/lessons/?$", api.lessons),
    re_path(rf"{courses}/(?P<pk>[0-9]{{1,18}})/signup/?$", api.signup),
    re_path(
        rf"{courses}/(?P<pk>[0-9]{{1,18}})/lessons/(?P<lesson_id>[^/]+)/complete/?$",
        api.complete,
    ),
]

urlpatterns = [path("portal/", include(pages)), *api_urls]
