"""Level and loudness: speech-only RMS, ITU-R BS.1770-4 integrated loudness, peak, clipping.

BS.1770: each channel is K-weighted (a +4 dB high shelf above about 1.5 kHz and a
38 Hz high pass, designed for the take's own sample rate), mean squares are taken over
400 ms blocks every 100 ms, blocks below -70 LUFS are dropped (absolute gate), then
blocks more than 10 LU below the loudness of the rest (relative gate), and the
integrated loudness is -0.691 + 10·log10 of the mean power of the remaining blocks,
channel powers summed (weight 1: mono, stereo and the front channels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trainer.analysis.features import Segment
from trainer.analysis.signal import db

BLOCK_S = 0.4
STEP_S = 0.1
ABSOLUTE_GATE_LUFS = -70.0
RELATIVE_GATE_LU = -10.0
CLIP_LEVEL = 0.999  # of full scale
CLIP_RUN = 3  # consecutive samples at full scale


def k_weighting(rate: int) -> np.ndarray:
    """Second-order sections of the BS.1770 K-weighting filter at `rate` (libebur128's design)."""
    shelf_hz, shelf_db, shelf_q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = np.tan(np.pi * shelf_hz / rate)
    vh = 10.0 ** (shelf_db / 20.0)
    vb = vh ** 0.4996667741545416
    a0 = 1.0 + k / shelf_q + k * k
    shelf = [(vh + vb * k / shelf_q + k * k) / a0, 2.0 * (k * k - vh) / a0, (vh - vb * k / shelf_q + k * k) / a0,
             1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / shelf_q + k * k) / a0]
    pass_hz, pass_q = 38.13547087602444, 0.5003270373238773
    k = np.tan(np.pi * pass_hz / rate)
    a0 = 1.0 + k / pass_q + k * k
    highpass = [1.0, -2.0, 1.0, 1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / pass_q + k * k) / a0]
    return np.array([shelf, highpass])


@dataclass(frozen=True, eq=False)
class Blocks:
    """BS.1770 gating blocks of a take: block i spans [i·STEP_S, i·STEP_S + BLOCK_S)."""

    power: np.ndarray  # channel-summed K-weighted mean square per block

    @property
    def loudness(self) -> np.ndarray:
        """Block loudness in LUFS."""
        return -0.691 + db(self.power)

    def integrated(self) -> float | None:
        """Gated integrated loudness in LUFS; None when no block passes the gates."""
        loud = self.loudness
        power = self.power[loud > ABSOLUTE_GATE_LUFS]
        if len(power) == 0:
            return None
        relative = -0.691 + float(db(power.mean())) + RELATIVE_GATE_LU
        power = self.power[(loud > ABSOLUTE_GATE_LUFS) & (loud > relative)]
        return -0.691 + float(db(power.mean()))


def loudness_blocks(channels: np.ndarray, rate: int) -> Blocks:
    """K-weighted 400 ms block powers of (n, channels) float audio."""
    from scipy.signal import sosfilt

    weighted = sosfilt(k_weighting(rate), np.asarray(channels, dtype=np.float64), axis=0)
    energy = np.concatenate((np.zeros(1), np.cumsum(np.square(weighted).sum(axis=1))))
    size, step = int(round(BLOCK_S * rate)), int(round(STEP_S * rate))
    if len(weighted) < size:
        return Blocks(np.zeros(0))
    starts = np.arange(0, len(weighted) - size + 1, step)
    return Blocks((energy[starts + size] - energy[starts]) / size)


def integrated_loudness(channels: np.ndarray, rate: int) -> float | None:
    """ITU-R BS.1770-4 integrated loudness (LUFS) of (n,) or (n, channels) audio."""
    channels = np.asarray(channels)
    return loudness_blocks(channels[:, None] if channels.ndim == 1 else channels, rate).integrated()


def speech_rms_dbfs(mono: np.ndarray, rate: int, segments: Sequence[Segment]) -> float | None:
    """RMS level (dBFS) over the speech segments, the take's DC offset removed."""
    mean = float(mono.mean(dtype=np.float64))
    energy, count = 0.0, 0
    for segment in segments:
        part = mono[int(round(segment.start_s * rate)): int(round(segment.end_s * rate))].astype(np.float64) - mean
        energy += float(np.dot(part, part))
        count += len(part)
    return float(db(energy / count)) if count and energy > 0 else None


def loudness_spread_db(blocks: Blocks, speech: np.ndarray, hop_s: float) -> float | None:
    """SD of block loudness over the blocks that are mostly speech (at least 3 needed)."""
    per_block = int(round(BLOCK_S / hop_s))
    per_step = int(round(STEP_S / hop_s))
    if len(blocks.power) == 0 or len(speech) < per_block:
        return None
    share = np.concatenate((np.zeros(1), np.cumsum(speech, dtype=np.float64)))
    starts = np.arange(len(blocks.power)) * per_step
    valid = starts + per_block <= len(speech)
    starts = starts[valid]
    mostly = (share[starts + per_block] - share[starts]) / per_block >= 0.5
    loud = blocks.loudness[: len(starts)][mostly]
    loud = loud[loud > ABSOLUTE_GATE_LUFS]
    return float(np.std(loud)) if len(loud) >= 3 else None


def peak_dbfs(channels: np.ndarray) -> float | None:
    """Sample peak in dBFS of all channels; None for digital silence."""
    peak = float(np.max(np.abs(channels)))
    return 20.0 * float(np.log10(peak)) if peak > 0 else None


def clips(channels: np.ndarray) -> bool:
    """True when any channel sits at full scale for CLIP_RUN samples in a row (a flattened peak)."""
    at_top = np.abs(np.asarray(channels)) >= CLIP_LEVEL
    if at_top.ndim == 1:
        at_top = at_top[:, None]
    if not at_top.any():
        return False
    run = at_top[: len(at_top) - CLIP_RUN + 1].copy()
    for shift in range(1, CLIP_RUN):
        run &= at_top[shift: len(at_top) - CLIP_RUN + 1 + shift]
    return bool(run.any())
