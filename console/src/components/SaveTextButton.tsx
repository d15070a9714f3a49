/** Saves a text the console holds as a file on the user's disk; nothing is sent anywhere. */
export function SaveTextButton(props: {
  text: string;
  fileName: string;
  label: string;
  type?: string;
}) {
  return (
    <button
      type="button"
      className="secondary"
      onClick={() => {
        saveText(props.text, props.fileName, props.type ?? 'application/json');
      }}
    >
      {props.label}
    </button>
  );
}

export function saveText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}
