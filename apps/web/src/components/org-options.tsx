/** `<option>`s of organization names, for the owner and grantee pickers. */
export function OrgOptions({ orgs }: { orgs: string[] }) {
  return (
    <>
      {orgs.map((o) => (
        <option key={o} value={o}>
          {o}
        </option>
      ))}
    </>
  );
}
