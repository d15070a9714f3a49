/** A time bound of a search, entered in the district's time. */
export function DistrictTimeField(props: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}) {
  return (
    <label>
      {props.label} (UTC+08:00)
      <input
        type="datetime-local"
        value={props.value}
        onChange={(event) => {
          props.onChange(event.target.value);
        }}
      />
    </label>
  );
}
