"""Sound in and out. The only package that imports sounddevice (PortAudio)."""
