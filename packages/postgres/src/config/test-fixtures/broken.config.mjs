export default { tables: { tasks: { scope: 'workspace' } } };
