// Jest cannot import image files; plugins only need their URL string.
module.exports = 'test-file-stub';
