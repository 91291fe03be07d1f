/**
 * The guest page on its own: a tiny entry (preview.html) that mounts only GuestRoot. Used by the
 * browser test to exercise the page before App.tsx routes #/s/<token>, and usable as a separate,
 * lighter bundle for phones on poor signal.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { GuestRoot } from './GuestRoot.js';

const root = document.getElementById('root');
if (!root) throw new Error('preview.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <GuestRoot />
  </StrictMode>,
);
