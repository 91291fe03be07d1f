/**
 * Scan a guest pass with the phone's camera: the browser's BarcodeDetector where it exists, else a
 * small JavaScript decoder loaded only when needed. The pass's QR holds the household's status link
 * (older passes: the pass code); typing the code works everywhere. Hands back what was read.
 */
import { useEffect, useRef, useState } from 'react';
import { scanTargetFrom, type ScanTarget } from '../../../shared/passes.js';

interface Detector {
  detect(source: CanvasImageSource): Promise<{ rawValue: string }[]>;
}
type DetectorCtor = new (opts: { formats: string[] }) => Detector;

type Decode = (frame: ImageData) => string | null;

async function makeDecoder(): Promise<{ decode: (video: HTMLVideoElement, canvas: HTMLCanvasElement) => Promise<string | null>; engine: string }> {
  const Native = (window as unknown as { BarcodeDetector?: DetectorCtor }).BarcodeDetector;
  if (Native) {
    try {
      const d = new Native({ formats: ['qr_code'] });
      return { engine: 'native', decode: async (video) => (await d.detect(video))[0]?.rawValue ?? null };
    } catch {
      /* fall through to the JS decoder */
    }
  }
  const { default: jsQR } = await import('jsqr');
  const decode: Decode = (frame) => jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  return {
    engine: 'js',
    decode: async (video, canvas) => {
      const w = video.videoWidth;
      const h = video.videoHeight;
      if (!w || !h) return null;
      const scale = Math.min(1, 640 / Math.max(w, h));
      canvas.width = Math.round(w * scale);
      canvas.height = Math.round(h * scale);
      const ctx = canvas.getContext('2d', { willReadFrequently: true });
      if (!ctx) return null;
      ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
      return decode(ctx.getImageData(0, 0, canvas.width, canvas.height));
    },
  };
}

export function Scanner({ onScan, onClose }: { onScan: (target: ScanTarget, text: string) => void; onClose: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [typed, setTyped] = useState('');

  useEffect(() => {
    let stream: MediaStream | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const start = async () => {
      if (!navigator.mediaDevices?.getUserMedia) return setProblem('This browser cannot use the camera here. Type the code instead.');
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      } catch {
        return setProblem('No camera (or permission refused). Type the code from the pass instead.');
      }
      if (stopped) return stream.getTracks().forEach((t) => t.stop());
      const v = video.current!;
      v.srcObject = stream;
      await v.play().catch(() => undefined);
      const { decode } = await makeDecoder();
      const tick = async () => {
        if (stopped) return;
        const text = await decode(v, canvas.current!).catch(() => null);
        const target = text ? scanTargetFrom(text) : null;
        if (target && text) return onScan(target, text);
        timer = setTimeout(() => void tick(), 250);
      };
      void tick();
    };
    void start();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, [onScan]);

  return (
    <div className="scanner" role="dialog" aria-label="Scan a guest pass">
      <video ref={video} muted playsInline className="scanner-video" />
      <canvas ref={canvas} hidden />
      {problem && <p className="notice info">{problem}</p>}
      <form
        className="scanner-type"
        onSubmit={(e) => {
          e.preventDefault();
          const target = scanTargetFrom(typed);
          if (target) onScan(target, typed);
          else setProblem('A pass code has 6 letters and digits.');
        }}
      >
        <label>
          <span>Pass code</span>
          <input type="text" value={typed} onChange={(e) => setTyped(e.target.value)} autoCapitalize="characters" autoComplete="off" maxLength={300} />
        </label>
        <button type="submit">Find</button>
      </form>
      <button type="button" className="secondary" onClick={onClose}>
        Close
      </button>
    </div>
  );
}
