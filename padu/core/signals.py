"""What core tells the apps above it."""

from django.dispatch import Signal

#: Sent by ``padu worker`` as it starts, before it takes a task, when no other worker is
#: alive: any work left running was cut off (the worker was killed, the machine stopped).
#: Receivers put their own runs right (an import removes what it staged) and return how
#: many they marked failed.
worker_restarted = Signal()
