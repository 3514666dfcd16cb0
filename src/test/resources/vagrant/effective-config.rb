# Prints, as JSON, the settings Vagrant itself reads from the Vagrantfile in the working directory: what a machine
# would be created with, asked through Vagrant's own API rather than read as text.
require "json"
require "vagrant"

env = Vagrant::Environment.new(cwd: Dir.pwd)
machine = env.machine(:default, :libvirt)
config = machine.config
provider = machine.provider_config
comm = config.vm.communicator.to_s
login = comm == "winssh" ? config.winssh : config.ssh
puts JSON.generate(
  "box" => config.vm.box,
  "communicator" => comm.empty? ? "ssh" : comm,
  "insert_key" => login.insert_key,
  "username" => login.username,
  "driver" => provider.driver,
  "machine_type" => provider.machine_type,
  "memory" => provider.memory,
  "cpus" => provider.cpus,
  "hyperv_features" => Array(provider.features_hyperv).map { |f| f[:name] },
  "default_prefix" => provider.default_prefix,
  "provisioners" => config.vm.provisioners.map { |p| p.name.to_s }
)
