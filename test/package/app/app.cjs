// A CommonJS application: require() of the installed package.
const kstreams = require('kstreams')
const testing = require('kstreams/testing')
const broker = require('kstreams/broker')
const kafkajs = require('kafkajs')
const { run } = require('./scenario.cjs')

run('cjs', { kstreams, testing, broker, kafkajs }).catch((err) => {
  console.error(err)
  process.exit(1)
})
