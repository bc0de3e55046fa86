// Loads a data package with Frictionless' own JavaScript library, checks it against its profile, and reads every row
// of each CSV resource cast by its schema (types, required key columns, unique primary key). The library follows
// version 1 of the standard, which has no categories: each value of a field with categories is checked against them
// here and given its label, or the label of the field's own missing value it is (version 2). Prints what it read as
// JSON, by the resource's path.
const { Package } = require('datapackage');

(async () => {
  const dataPackage = await Package.load(process.argv[2]);
  if (!dataPackage.valid) {
    console.error(dataPackage.errors.map((e) => e.message).join('\n'));
    process.exit(2);
  }
  const read = {};
  for (const resource of dataPackage.resources.filter((r) => r.descriptor.format === 'csv')) {
    const rows = await resource.read({ keyed: true, cast: true });
    const fields = resource.descriptor.schema.fields.filter((f) => Array.isArray(f.categories));
    const labels = rows.map((row, i) => {
      const labelled = {};
      for (const field of fields) {
        const value = row[field.name];
        if (value === null) {
          labelled[field.name] = null;
          continue;
        }
        const category = field.categories.find((c) => (typeof c === 'object' ? c.value : c) === value);
        const missing = (field.missingValues || []).find((m) => typeof m === 'object' && m.value === String(value));
        if (!category && !missing) {
          throw new Error(`${resource.descriptor.path} row ${i + 2}: ${field.name} = ${JSON.stringify(value)} is none of its categories`);
        }
        labelled[field.name] = category ? (typeof category === 'object' ? category.label : String(category)) : { missing: missing.label };
      }
      return labelled;
    });
    read[resource.descriptor.path] = { headers: resource.headers, rows, labels };
  }
  console.log(JSON.stringify(read));
})().catch((error) => {
  console.error(error.multiple ? error.errors.map((e) => e.message).join('\n') : error.stack);
  process.exit(1);
});
