"""Sound in and out. The only package that imports sounddevice (PortAudio), always through
`trainer.audio.portaudio.sounddevice()`.

- `playback.Player`: plays a clip (resampled when the device needs it), with position, pause, stop.
- `recorder.Recorder`: callback -> queue -> writer thread -> FLAC (`<take>.flac.partial` until closed),
  live level and pitch about 15 times a second, microphone loss and full disk handled.
- `trial.run_trial`: clip, cue, recording, end of speech, latency and overlap in the take's timeline.
- `recovery`: finds and closes takes a crash left behind.
- Pure helpers: `clock` (stream times to samples), `leak` (clip heard by the microphone), `cue` (the
  "your turn" sound), `events` (what a trial reports). The speech detector the recorder runs is
  trainer.analysis.speech: pure analysis, shared with the benchmark.
"""
