import { useId } from 'react';

/** A labelled file input that hands over the chosen file's text. */
export function FilePicker(props: {
  label: string;
  accept?: string;
  onText: (text: string, name: string) => void;
}) {
  const id = useId();
  return (
    <span className="file-picker">
      <label htmlFor={id}>{props.label}</label>
      <input
        id={id}
        type="file"
        accept={props.accept ?? '.json,application/json'}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file !== undefined) {
            void file.text().then((text) => {
              props.onText(text, file.name);
            });
          }
        }}
      />
    </span>
  );
}
