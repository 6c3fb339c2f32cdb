from django.core.management.base import BaseCommand

from posts.services.view_buffer import buffering, view_buffer_flush


class Command(BaseCommand):
    help = "Move the post views waiting in Redis into the database (nothing to do without Redis)."

    def handle(self, *args, **options):
        if not buffering():
            self.stdout.write("Views are stored as they are counted: nothing waits.")
            return
        moved = view_buffer_flush()
        self.stdout.write(f"{moved} view(s) stored.")
