"""What the sources app tells the apps above it."""

from django.dispatch import Signal

#: Sent once an import batch's rows are the current records (``batch``, committed).
#: Receivers act on what the rows say for them (the one-stop service reads the national
#: system's answers to usulan and sanggahan) in their own transactions: a receiver's
#: failure is logged and never undoes the import.
batch_published = Signal()
