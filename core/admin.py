"""What the apps' admin classes share."""

from django.contrib import admin


class RecordAdmin(admin.ModelAdmin):
    """A record written only by the app's own services (an approval step, a frozen run, a
    decision): shown in the admin, never added or changed there; deleted only where
    `deletable` says so."""

    deletable = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.deletable and super().has_delete_permission(request, obj)
