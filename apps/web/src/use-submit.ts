import { useState } from 'preact/hooks';

/**
 * A form's submit handler with its busy flag and the hub's error (shown by ErrorBox): the
 * action gets the form's data; a thrown error stays on the form instead of a blank page.
 */
export function useSubmit(action: (form: FormData, el: HTMLFormElement) => Promise<unknown>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    const el = e.target as HTMLFormElement;
    setBusy(true);
    setError(null);
    try {
      await action(new FormData(el), el);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, onSubmit };
}
