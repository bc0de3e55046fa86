// Loads a data package with Frictionless' own JavaScript library, checks it against its profile, and reads every row
// of the CSV resource cast by the schema (types, required key columns, unique primary key). Prints what it read as JSON.
const { Package } = require('datapackage');

(async () => {
  const dataPackage = await Package.load(process.argv[2]);
  if (!dataPackage.valid) {
    console.error(dataPackage.errors.map((e) => e.message).join('\n'));
    process.exit(2);
  }
  const resource = dataPackage.resources.find((r) => r.descriptor.format === 'csv');
  const rows = await resource.read({ keyed: true, cast: true });
  console.log(JSON.stringify({ headers: resource.headers, rows }));
})().catch((error) => {
  console.error(error.multiple ? error.errors.map((e) => e.message).join('\n') : error.stack);
  process.exit(1);
});
